"""Every run starts from the book's state, whatever the run before it changed (issue 15).

The browser runs every demo of a visit in one interpreter, so a reader's
``pycore.softmax = lambda x, axis=-1: x * 0``, ``np.seterr(all="raise")``, a replaced
``sys.stderr`` or ``warnings.simplefilter("ignore")`` would otherwise change every later
demo, on every later chapter. :class:`BookState` photographs that state once, after the
worker has imported the library, and puts it back before each run:

- the namespaces of the book's modules (``pycore``, ``exercises``, ``demos``), NumPy's,
  ``builtins``, ``__main__`` (which holds the worker's runner) and the standard modules the
  runner uses; the attributes of the book's classes;
- ``sys.modules`` (entries replaced by a run are put back; book modules imported by a run
  are forgotten, so they are imported afresh, unpolluted, next time), ``sys.path``,
  ``sys.meta_path``, the ``sys`` streams and hooks, the recursion limit;
- NumPy's print options, floating-point error handling and global random state; the
  warning filters; the working directory and environment; Matplotlib's ``rcParams``.

Limits (see CONTRIBUTING.md, "The browser runtime"): a run can still mutate objects in
place (a list held by a library module, an array's values); only "Restart Python" undoes
everything. Runs on Python 3.8 (it is shipped into the browser's worker).
"""
import builtins
import json
import operator
import os
import sys
import warnings

BOOK_PACKAGES = ("pycore", "exercises", "demos")
# Modules whose namespaces the runner or every demo relies on (plus numpy.*, BOOK_PACKAGES).
GUARDED_MODULES = ("builtins", "__main__", "base64", "collections", "io", "json", "math", "os",
                   "time", "traceback", "types", "warnings")
SYS_HOOKS = ("stdout", "stderr", "stdin", "displayhook", "excepthook", "breakpointhook")
_MISSING = object()


def _in_packages(name, packages):
    return any(name == package or name.startswith(package + ".") for package in packages)


def _restore_namespace(namespace, saved, assign, remove):
    """Make ``namespace`` hold exactly ``saved`` (by identity), touching only what differs.

    Entries are put back one by one rather than by ``clear()``: the namespace may be
    ``builtins``, which this very code needs while it runs.
    """
    for key in [key for key in namespace if key not in saved]:
        remove(key)
    for key, value in saved.items():
        if namespace.get(key, _MISSING) is not value:
            assign(key, value)


def _forget(module, key):
    """Remove ``key`` that a run added to ``module``, unless it binds an imported submodule
    (``import numpy.testing`` adds ``testing`` to ``numpy``; lazy loaders rely on that)."""
    value = module.__dict__[key]
    if isinstance(value, type(sys)) and sys.modules.get(f"{module.__name__}.{key}") is value:
        return
    del module.__dict__[key]


class BookState:
    """The interpreter's shared state as shipped; :meth:`restore` puts it back."""

    def __init__(self):
        # First NumPy's settings: reading them may import a lazily loaded submodule.
        self.numpy = None
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            self.numpy = (numpy.get_printoptions(), numpy.geterr(), numpy.geterrcall(),
                          numpy.random.get_state())
        self.builtins = dict(vars(builtins))
        self.modules = dict(sys.modules)
        self.namespaces = []  # (module, copy of its __dict__, its keys, its values)
        self.classes = []  # (class, copy of its __dict__)
        for name, module in sorted(self.modules.items()):
            if module is None or not (
                name in GUARDED_MODULES or _in_packages(name, ("numpy",) + BOOK_PACKAGES)
            ):
                continue
            namespace = getattr(module, "__dict__", None)
            if not isinstance(namespace, dict):
                continue
            saved = dict(namespace)
            self.namespaces.append((module, saved, list(saved), list(saved.values())))
            if _in_packages(name, BOOK_PACKAGES):
                for value in list(namespace.values()):
                    if isinstance(value, type) and value.__module__ == name:
                        self.classes.append((value, dict(vars(value))))
        self.sys_hooks = {name: getattr(sys, name, _MISSING) for name in SYS_HOOKS}
        self.sys_lists = {name: (getattr(sys, name), list(getattr(sys, name)))
                          for name in ("path", "meta_path", "path_hooks", "argv")}
        self.recursion_limit = sys.getrecursionlimit()
        self.warning_filters = list(warnings.filters)
        self.cwd = os.getcwd()
        self.environ = dict(os.environ)
        self.rc_params = None  # Matplotlib's, taken when it is first seen (see restore)

    def restore(self):
        """Put back everything :class:`BookState` recorded (cheap when nothing changed)."""
        # builtins first, with code that needs none of them (a run may have deleted len).
        namespace = builtins.__dict__
        _restore_namespace(namespace, self.builtins, namespace.__setitem__, namespace.__delitem__)
        sys.settrace(None)
        sys.setprofile(None)
        for name in list(sys.modules):
            if name not in self.modules and _in_packages(name, BOOK_PACKAGES):
                del sys.modules[name]
        for name, module in self.modules.items():
            if sys.modules.get(name, _MISSING) is not module:
                sys.modules[name] = module
        for module, saved, keys, values in self.namespaces:
            namespace = module.__dict__
            # Fast path, in C: nothing changed (same keys in the same order, same objects).
            if (len(namespace) == len(keys) and all(map(operator.is_, namespace.values(), values))
                    and list(namespace) == keys):
                continue
            _restore_namespace(namespace, saved, namespace.__setitem__,
                               lambda key, module=module: _forget(module, key))
        for cls, saved in self.classes:
            current = dict(vars(cls))
            _restore_namespace(current, saved, lambda key, value, cls=cls: setattr(cls, key, value),
                               lambda key, cls=cls: delattr(cls, key))
        for name, value in self.sys_hooks.items():
            if value is not _MISSING:
                setattr(sys, name, value)
        for name, (shipped, items) in self.sys_lists.items():
            shipped[:] = items
            setattr(sys, name, shipped)
        sys.setrecursionlimit(self.recursion_limit)
        warnings.filters[:] = self.warning_filters
        warnings._filters_mutated()  # forget "once"/"default" registries built on old filters
        if os.getcwd() != self.cwd:
            os.chdir(self.cwd)
        if dict(os.environ) != self.environ:
            os.environ.clear()
            os.environ.update(self.environ)
        if self.numpy is not None:
            numpy = sys.modules["numpy"]
            printoptions, errors, error_call, random_state = self.numpy
            numpy.set_printoptions(**printoptions)
            numpy.seterr(**errors)
            numpy.seterrcall(error_call)
            numpy.random.set_state(random_state)
        self._restore_matplotlib()

    def _restore_matplotlib(self):
        matplotlib = sys.modules.get("matplotlib")
        if matplotlib is None:
            return
        if self.rc_params is None:
            # Loaded by a reader's run: its settings as imported (rcParamsOrig), backend kept.
            self.rc_params = dict(matplotlib.rcParamsOrig)
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close("all")
        backend = dict.get(matplotlib.rcParams, "backend")
        dict.update(matplotlib.rcParams, self.rc_params)
        dict.__setitem__(matplotlib.rcParams, "backend", backend)


def stopped_outcome(message="Stopped (KeyboardInterrupt)."):
    """The outcome of a run stopped before or after the reader's code (same keys as run_demo)."""
    return {"stdout": "", "stderr": "", "output": [], "figures": [], "result": None,
            "error": message, "stopped": True, "seconds": 0.0}


def make_entry():
    """The worker's entry point: ``entry(source, filename, on_output) -> JSON str``.

    Takes the book's state now (call it once the library is imported), then each call
    restores it, runs the demo with :func:`demos.runner.run_demo` and restores it again. The functions it
    needs are bound here, so a run that replaces ``json.dumps`` or the runner in
    ``__main__`` or ``demos.runner`` cannot stop the next run from working.
    """
    from demos.runner import run_demo

    state = BookState()
    dumps = json.dumps

    def entry(source, filename, on_output):
        # Restored before (callbacks left behind may have run since) and after the run (so
        # the worker itself, and the JSON below, never see the run's changes).
        try:
            state.restore()
            outcome = run_demo(source, filename=filename, on_output=on_output)
        except KeyboardInterrupt:  # Stop arrived outside the reader's code (e.g. drawing)
            outcome = stopped_outcome()
        except BaseException as error:  # noqa: BLE001 - the run broke what the runner uses
            state.restore()
            outcome = stopped_outcome(
                f"This run changed something the runner relies on, so its output could not be "
                f"collected ({type(error).__name__}: {error}). Python is back to the book's "
                "state for the next run."
            )
            outcome["stopped"] = False
        try:
            state.restore()
        except KeyboardInterrupt:
            state.restore()
        return dumps(outcome)

    return entry

