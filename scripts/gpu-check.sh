#!/usr/bin/env bash
# Everything this project can only measure on a GPU, in one command (about 10 minutes):
#
#   bash scripts/gpu-check.sh [OUT]   # OUT (from the current folder) defaults to the
#                                     # repository's bench/results/gpu-check
#
#  1. stops at once, with a message, where no NVIDIA GPU is present (nothing is installed);
#  2. finds or installs a CUDA build of torch (.venv if its torch sees the GPU, else a
#     separate .cache/gpu-venv with `pip install -e ".[torch]"`; PYTHON=... to use your own);
#  3. runs the CUDA parity tests (pytest -m cuda tests/pycore_torch);
#  4. runs each at-scale twin at --scale large on cuda;
#  5. runs the 12/train_tiny data-parallel run under torchrun (NCCL) on 2 GPUs where two
#     exist, else on 1;
#  6. runs the backend benchmark (bench_backends.py: pycore vs torch CPU vs CUDA) and, with
#     two GPUs, the 1-vs-2-GPU data-parallel throughput (bench_ddp.py);
#  7. writes every log, JSON and figure under OUT, with summary.txt (one line per step).
#
# Each step has its own time limit within an overall budget (GPU_CHECK_BUDGET_S, default
# 570 s); a step that fails or times out is recorded and the others still run. The exit
# status is 0 only when every step passed; 3 means no GPU.
set -uo pipefail
CALLER=$(pwd)
cd "$(dirname "$0")/.."
REPO=$(pwd)
OUT=${1:-bench/results/gpu-check}
# A folder given on the command line is relative to where the script was called from.
if [ -n "${1:-}" ] && [ "${OUT#/}" = "$OUT" ]; then OUT=$CALLER/$OUT; fi
BUDGET_S=${GPU_CHECK_BUDGET_S:-570}
# The install counts against the budget too; pip gets at most this much of it.
INSTALL_S=${GPU_CHECK_INSTALL_S:-240}
START=$(date +%s)

# --- 1. a GPU, or stop --------------------------------------------------------------------
if ! command -v nvidia-smi >/dev/null 2>&1; then
    echo "gpu-check: no NVIDIA GPU here (nvidia-smi is not installed). This check needs a" \
         "machine with a CUDA GPU and its driver; nothing was installed or run." >&2
    exit 3
fi
if ! GPUS=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>&1) || [ -z "$GPUS" ]; then
    echo "gpu-check: nvidia-smi finds no usable GPU: ${GPUS:-no devices listed}." \
         "Nothing was installed or run." >&2
    exit 3
fi
N_GPUS=$(printf '%s\n' "$GPUS" | grep -c .)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
echo "gpu-check: $N_GPUS GPU(s): $(printf '%s\n' "$GPUS" | sort | uniq -c | xargs); results in $OUT"

# --- 2. a torch that sees the GPU ---------------------------------------------------------
sees_cuda() {  # sees_cuda PYTHON: true if its torch imports and sees a CUDA device
    "$1" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" \
        >/dev/null 2>&1
}
if [ -n "${PYTHON:-}" ]; then
    PY=$PYTHON
    case $PY in /*) ;; */*) PY=$CALLER/$PY ;; esac  # a relative path: from the caller's folder
elif [ -x .venv/bin/python ] && sees_cuda .venv/bin/python; then
    PY=.venv/bin/python
else
    VENV=.cache/gpu-venv
    echo "gpu-check: installing pycore and a CUDA build of torch into $VENV (pip)"
    if ! { [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" >"$OUT/install.log" 2>&1; }; then
        echo "gpu-check: could not create $VENV with python3 -m venv (see $OUT/install.log;" \
             "on Debian/Ubuntu: apt install python3-venv), or point PYTHON= at a Python" \
             "with a CUDA build of torch." >&2
        exit 4
    fi
    # The tests and twins need torch, pytest, hypothesis and Matplotlib, not the browser tools.
    # An editable install needs pip >= 21.3 (PEP 660); a fresh venv may hold an older one.
    timeout 60 "$VENV/bin/python" -m pip install --quiet --upgrade pip >>"$OUT/install.log" 2>&1
    # A CUDA torch is a few GB: a second run reuses pip's cache.
    if ! timeout --kill-after=10 "$INSTALL_S" "$VENV/bin/python" -m pip install --quiet \
            -e ".[torch]" "pytest>=8" "hypothesis>=6.100" "matplotlib>=3.3" \
            >>"$OUT/install.log" 2>&1; then
        echo "gpu-check: pip install failed or took over ${INSTALL_S} s (GPU_CHECK_INSTALL_S);" \
             "see $OUT/install.log. Run the script again: pip reuses what it downloaded." >&2
        exit 4
    fi
    PY=$VENV/bin/python
fi
if ! sees_cuda "$PY"; then
    "$PY" -c "import torch; print('torch', torch.__version__, 'CUDA build:', torch.version.cuda)" \
        >&2
    echo "gpu-check: $PY's torch does not see the GPU (a CPU-only build, or a driver older" \
         "than its CUDA): install a CUDA build (e.g. PIP_EXTRA_INDEX_URL for your CUDA" \
         "version) or point PYTHON= at one." >&2
    exit 4
fi
export PYTHONPATH=$REPO MPLBACKEND=Agg

# --- what ran, and on what ----------------------------------------------------------------
{
    date -u +"%Y-%m-%d %H:%M:%S UTC"
    git rev-parse HEAD 2>/dev/null
    nvidia-smi
    "$PY" -c "import torch, platform; print('python', platform.python_version(), '| torch',
torch.__version__, '| CUDA', torch.version.cuda, '| devices',
[torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())])"
} >"$OUT/environment.txt" 2>&1

# --- 3-6. the steps -----------------------------------------------------------------------
: >"$OUT/summary.txt"
FAILED=0
step() {  # step NAME CAP_SECONDS COMMAND...: run with a limit, log to OUT/NAME.log
    local name=$1 cap=$2 left limit began status rc
    shift 2
    left=$((BUDGET_S - ($(date +%s) - START)))
    limit=$((cap < left ? cap : left))
    if [ "$limit" -lt 10 ]; then
        status="NOT RUN (budget of ${BUDGET_S} s spent)"
        FAILED=1
    else
        began=$(date +%s)
        echo "gpu-check: $name (at most ${limit} s)"
        timeout --kill-after=10 "$limit" "$@" >"$OUT/$name.log" 2>&1
        rc=$?
        if [ "$rc" -eq 0 ]; then
            status="passed in $(($(date +%s) - began)) s"
        elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
            status="TIMED OUT after ${limit} s"
            FAILED=1
        else
            status="FAILED (exit $rc) after $(($(date +%s) - began)) s"
            FAILED=1
        fi
    fi
    printf '%-32s %s\n' "$name" "$status" | tee -a "$OUT/summary.txt"
}

step cuda-parity-tests 150 "$PY" -m pytest tests/pycore_torch -m cuda -q -rs -p no:cacheprovider \
    --junitxml "$OUT/cuda-parity-tests.xml"
for twin in 05/scaling_ablation 13/flash_attention 13/kv_cache 12/train_tiny; do
    step "twin-${twin//\//-}-large" 120 "$PY" -m demos run "$twin" --backend torch \
        --device cuda --scale large --out "$OUT/twins"
done
# torch's count, not nvidia-smi's: CUDA_VISIBLE_DEVICES may hide some of the GPUs.
N_TORCH=$("$PY" -c "import torch; print(torch.cuda.device_count())")
NPROC=$((N_TORCH >= 2 ? 2 : 1))
step "ddp-${NPROC}gpu-12-train_tiny-large" 120 "$PY" -m torch.distributed.run \
    --nproc_per_node "$NPROC" --standalone -m demos run 12/train_tiny --backend torch \
    --device cuda --scale large --out "$OUT/twins" --checkpoint "$OUT/train_tiny_large.npz"
step backend-benchmark 150 "$PY" bench/bench_backends.py --out "$OUT/backends.json"
if [ "$NPROC" -ge 2 ]; then
    step ddp-throughput 150 "$PY" bench/bench_ddp.py --device cuda --nproc 1 2 --scale large \
        --repeats 1 --out "$OUT/ddp_cuda.json"
fi

echo "gpu-check: done in $(($(date +%s) - START)) s; summary in $OUT/summary.txt"
exit "$FAILED"
