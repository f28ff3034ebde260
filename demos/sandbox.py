"""Every run starts from the book's state, whatever the run before it changed (issue 15).

The browser runs every demo of a visit in one interpreter, so a reader's
``pycore.softmax = lambda x, axis=-1: x * 0``, ``np.seterr(all="raise")``, a replaced
``sys.stderr`` or ``warnings.simplefilter("ignore")`` would otherwise change every later
demo, on every later chapter. :class:`BookState` photographs that state once, after the
worker has imported the library, and puts it back before each run:

- the namespaces of the book's modules (``pycore``, ``exercises``, ``demos``), NumPy's,
  ``builtins``, ``__main__`` (which holds the worker's runner), ``sys`` and the standard
  modules the runner uses; the attributes of the book's and NumPy's classes;
- the functions themselves: the code, defaults and closure cells of every Python function
  those namespaces and classes reach (``pycore.softmax.__code__ = ...`` or a replaced
  ``exercises.verdict`` body would otherwise outlive the run, and forge later badges);
- ``sys.modules`` (entries replaced by a run are put back; book modules imported by a run
  are forgotten, so they are imported afresh, unpolluted, next time, from the sources read
  when the state was taken, never from files a run may have changed), ``sys.path``,
  ``sys.meta_path``, the ``sys`` streams and hooks, the recursion limit;
- NumPy's print options, floating-point error handling and global random state, the
  ``random`` module's state; the warning filters; the working directory and environment;
  Matplotlib's ``rcParams``; the SIGINT handler (Stop) and whether ``gc`` is enabled.

Limits (see CONTRIBUTING.md, "The browser runtime"): a run can still mutate objects in
place (a list held by a library module, an array's values); only "Restart Python" undoes
everything. Runs on Python 3.8 (it is shipped into the browser's worker).
"""
import builtins
import gc
import json
import linecache
import operator
import os
import sys
import warnings
from importlib.machinery import ModuleSpec as _ModuleSpec
from importlib.util import find_spec as _find_spec
from operator import attrgetter
from types import FunctionType, MappingProxyType

try:
    import signal as _signal
except ImportError:  # a platform without signals
    _signal = None

BOOK_PACKAGES = ("pycore", "exercises", "demos")
# Modules whose namespaces the runner or every demo relies on (plus numpy.*, BOOK_PACKAGES).
GUARDED_MODULES = ("builtins", "__main__", "base64", "collections", "functools", "gc", "io",
                   "json", "math", "operator", "os", "random", "signal", "sys", "time",
                   "traceback", "types", "warnings")
SYS_HOOKS = ("stdout", "stderr", "stdin", "displayhook", "excepthook", "breakpointhook")
_MISSING = object()
# What restore() calls, bound at import: a run may replace operator.is_ or sys.settrace.
_is = operator.is_
_settrace = sys.settrace
_setprofile = sys.setprofile
_setrecursionlimit = sys.setrecursionlimit
_code_of = attrgetter("__code__")
_defaults_of = attrgetter("__defaults__")
_kwdefaults_of = attrgetter("__kwdefaults__")
_contents_of = attrgetter("cell_contents")


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


def _reachable_functions(values):
    """Every Python function reachable from ``values``: directly, through static and class
    methods and properties, through ``__wrapped__`` and through closure cells (NumPy's
    public functions wrap their implementation: a closure in NumPy 1.17, a C dispatcher in
    NumPy 2)."""
    seen = set()
    functions = []
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, (staticmethod, classmethod)):
            stack.append(value.__func__)
            continue
        if isinstance(value, property):
            stack.extend((value.fget, value.fset, value.fdel))
            continue
        if not isinstance(value, FunctionType):
            # NumPy 2's public functions are C dispatchers around a Python implementation.
            if callable(value) and not isinstance(value, type) and id(value) not in seen:
                seen.add(id(value))
                try:
                    stack.append(getattr(value, "__wrapped__", None))
                except Exception:  # noqa: BLE001 - an object whose attributes cannot be read
                    pass
            continue
        if id(value) in seen:
            continue
        seen.add(id(value))
        functions.append(value)
        stack.append(value.__dict__.get("__wrapped__"))
        for cell in value.__closure__ or ():
            try:
                stack.append(cell.cell_contents)
            except ValueError:  # an empty cell
                pass
    return functions


class _Functions:
    """The code, defaults and closure cells of ``functions``, as they are now."""

    def __init__(self, functions):
        self.functions = functions
        self.codes = list(map(_code_of, functions))
        self.defaults = list(map(_defaults_of, functions))
        self.kwdefaults = list(map(_kwdefaults_of, functions))
        self.cells = []
        for function in functions:
            for cell in function.__closure__ or ():
                try:
                    _contents_of(cell)
                except ValueError:  # an empty cell
                    continue
                self.cells.append(cell)
        self.contents = list(map(_contents_of, self.cells))

    def restore(self):
        """Put back what differs; the check is in C when nothing changed."""
        functions = self.functions
        if not all(map(_is, map(_code_of, functions), self.codes)):
            for function, code in zip(functions, self.codes):
                if function.__code__ is not code:
                    function.__code__ = code
        if not all(map(_is, map(_defaults_of, functions), self.defaults)):
            for function, defaults in zip(functions, self.defaults):
                function.__defaults__ = defaults
        if not all(map(_is, map(_kwdefaults_of, functions), self.kwdefaults)):
            for function, kwdefaults in zip(functions, self.kwdefaults):
                function.__kwdefaults__ = kwdefaults
        try:
            unchanged = all(map(_is, map(_contents_of, self.cells), self.contents))
        except ValueError:  # a run emptied a cell (del cell.cell_contents)
            unchanged = False
        if not unchanged:
            for cell, value in zip(self.cells, self.contents):
                cell.cell_contents = value


def _read_book_sources(packages):
    """``{module name: (file name, source bytes, is package)}`` of every ``.py`` file under
    the directories of ``packages`` (imported or not), read now."""
    sources = {}
    for package in packages:
        module = sys.modules.get(package)
        init = getattr(module, "__file__", None)
        if init is None:
            spec = _find_spec(package)
            init = spec.origin if spec is not None else None
        if not isinstance(init, str) or not init.endswith("__init__.py"):
            continue
        top = os.path.dirname(init)
        for folder, folders, files in os.walk(top):
            folders[:] = sorted(name for name in folders if name.isidentifier())
            parts = [package] + os.path.relpath(folder, top).split(os.sep)
            parts = [part for part in parts if part != "."]
            for file_name in sorted(files):
                stem, extension = os.path.splitext(file_name)
                if extension != ".py" or not stem.isidentifier():
                    continue
                path = os.path.join(folder, file_name)
                with open(path, "rb") as handle:
                    source = handle.read()
                if stem == "__init__":
                    sources[".".join(parts)] = (path, source, True)
                else:
                    sources[".".join(parts + [stem])] = (path, source, False)
    return sources


class _BookFinder:
    """Imports the book's modules from their source as read when the book's state was taken.

    A run can write files (``exercises/ch04.py``, a ``__pycache__`` file, a shadowing
    ``exercises/ch04/`` folder); book modules that a later run imports afresh (a chapter's
    checkers are imported on first use) must still be the shipped ones, or a run could plant
    a checker that marks every answer right. First on ``sys.meta_path`` (which the sandbox
    puts back); the sources live in a read-only view held by this module.
    """

    @staticmethod
    def find_spec(name, path=None, target=None):
        found = _BOOK_SOURCES.get(name)
        if found is None:
            return None
        file_name, _, is_package = found
        spec = _ModuleSpec(name, _BookFinder, origin=file_name, is_package=is_package)
        spec.has_location = True
        if is_package:
            spec.submodule_search_locations = [os.path.dirname(file_name)]
        return spec

    @staticmethod
    def create_module(spec):
        return None  # the default module object

    @staticmethod
    def exec_module(module):
        file_name, source, _ = _BOOK_SOURCES[module.__spec__.name]
        module.__file__ = file_name
        _remember_lines(file_name, source)
        exec(compile(source, file_name, "exec", dont_inherit=True), module.__dict__)

    @staticmethod
    def get_source(name):
        """The shipped source (tracebacks and ``inspect`` read it)."""
        found = _BOOK_SOURCES.get(name)
        return None if found is None else found[1].decode("utf-8")


_BOOK_SOURCES = MappingProxyType({})  # set by install_book_finder()


def _remember_lines(file_name, source):
    """Tracebacks and ``inspect`` show the shipped lines, not the file as a run left it
    (linecache keeps an entry without a modification time until it is cleared)."""
    text = source.decode("utf-8")
    linecache.cache[file_name] = (len(text), None, text.splitlines(True), file_name)


def install_book_finder(packages=BOOK_PACKAGES):
    """Read the book's sources now and import them from memory from now on (idempotent)."""
    global _BOOK_SOURCES
    if not _BOOK_SOURCES:
        _BOOK_SOURCES = MappingProxyType(_read_book_sources(packages))
        for file_name, source, _ in _BOOK_SOURCES.values():
            _remember_lines(file_name, source)
    if _BookFinder not in sys.meta_path:
        sys.meta_path.insert(0, _BookFinder)


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
        self.classes = []  # (class, copy of its __dict__, its keys, its values)
        class_ids = set()
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
            packages = ("numpy",) + BOOK_PACKAGES
            if _in_packages(name, packages):
                for value in list(namespace.values()):
                    if (isinstance(value, type) and isinstance(value.__module__, str)
                            and _in_packages(value.__module__, packages)
                            and id(value) not in class_ids):
                        class_ids.add(id(value))
                        saved = dict(vars(value))
                        self.classes.append((value, saved, list(saved), list(saved.values())))
        reachable = [value for _, saved, _, _ in self.namespaces for value in saved.values()]
        reachable += [value for _, saved, _, _ in self.classes for value in saved.values()]
        self.functions = _Functions(_reachable_functions(reachable))
        self.sys_hooks = {name: getattr(sys, name, _MISSING) for name in SYS_HOOKS}
        self.sys_lists = {name: (getattr(sys, name), list(getattr(sys, name)))
                          for name in ("path", "meta_path", "path_hooks", "argv")}
        self.recursion_limit = sys.getrecursionlimit()
        # Stop's KeyboardInterrupt: a run's signal.signal(SIGINT, ...) must not swallow the
        # next run's Stop (nor make Stop say Python was busy when it was not).
        self.sigint = _signal.getsignal(_signal.SIGINT) if _signal else None
        self.gc_enabled = gc.isenabled()
        random = sys.modules.get("random")
        self.random = (random, random.getstate()) if random is not None else None
        self.warning_filters = list(warnings.filters)
        self.cwd = os.getcwd()
        self.environ = dict(os.environ)
        self.rc_params = None  # Matplotlib's, taken when it is first seen (see restore)

    def restore(self):
        """Put back everything :class:`BookState` recorded (cheap when nothing changed)."""
        # builtins first, with code that needs none of them (a run may have deleted len).
        namespace = builtins.__dict__
        _restore_namespace(namespace, self.builtins, namespace.__setitem__, namespace.__delitem__)
        _settrace(None)
        _setprofile(None)
        for name in list(sys.modules):
            if name not in self.modules and _in_packages(name, BOOK_PACKAGES):
                del sys.modules[name]
        for name, module in self.modules.items():
            if sys.modules.get(name, _MISSING) is not module:
                sys.modules[name] = module
        for module, saved, keys, values in self.namespaces:
            namespace = module.__dict__
            # Fast path, in C: nothing changed (same keys in the same order, same objects).
            if (len(namespace) == len(keys) and all(map(_is, namespace.values(), values))
                    and list(namespace) == keys):
                continue
            _restore_namespace(namespace, saved, namespace.__setitem__,
                               lambda key, module=module: _forget(module, key))
        for cls, saved, keys, values in self.classes:
            namespace = vars(cls)
            if (len(namespace) == len(keys) and all(map(_is, namespace.values(), values))
                    and list(namespace) == keys):
                continue
            current = dict(namespace)
            _restore_namespace(current, saved, lambda key, value, cls=cls: setattr(cls, key, value),
                               lambda key, cls=cls: delattr(cls, key))
        self.functions.restore()
        for name, value in self.sys_hooks.items():
            if value is not _MISSING:
                setattr(sys, name, value)
        for name, (shipped, items) in self.sys_lists.items():
            shipped[:] = items
            setattr(sys, name, shipped)
        _setrecursionlimit(self.recursion_limit)
        if _signal and self.sigint is not None and _signal.getsignal(_signal.SIGINT) is not self.sigint:
            _signal.signal(_signal.SIGINT, self.sigint)
        if gc.isenabled() != self.gc_enabled:
            (gc.enable if self.gc_enabled else gc.disable)()
        if self.random is not None:
            random, state = self.random
            random.setstate(state)
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


def _own_healer():
    """A function that puts this module's own machinery back as it was when it was called:
    its namespace, its classes' attributes and its functions' code and defaults.

    :meth:`BookState.restore` is itself Python a run can reach (``import demos.sandbox``),
    so a run could disable it (``BookState.restore.__code__ = ...``, a replaced helper, a
    shadowing ``len``) and keep its pollution forever. The healer runs first and uses no
    builtins and no global names: only what it binds here.
    """
    missing = object()
    namespace = sys.modules[__name__].__dict__
    saved = tuple(namespace.items())
    keys = frozenset(namespace)
    classes = tuple((cls, vars(cls), tuple(vars(cls).items()), frozenset(vars(cls)))
                    for cls in (BookState, _Functions, _BookFinder))
    functions = tuple(
        (function, function.__code__, function.__defaults__, function.__kwdefaults__)
        for function in _reachable_functions(
            [value for _, value in saved]
            + [value for _, _, items, _ in classes for _, value in items]
        )
    )
    set_attribute, delete_attribute = type.__setattr__, type.__delattr__

    def heal():
        for key in [key for key in namespace if key not in keys]:
            del namespace[key]
        for key, value in saved:
            if namespace.get(key, missing) is not value:
                namespace[key] = value
        for cls, current, items, names in classes:
            for key in [key for key in current if key not in names]:
                delete_attribute(cls, key)
            for key, value in items:
                if current.get(key, missing) is not value:
                    set_attribute(cls, key, value)
        for function, code, defaults, kwdefaults in functions:
            if function.__code__ is not code:
                function.__code__ = code
            if function.__defaults__ is not defaults:
                function.__defaults__ = defaults
            if function.__kwdefaults__ is not kwdefaults:
                function.__kwdefaults__ = kwdefaults

    return heal


def make_entry():
    """The worker's entry point: ``entry(source, filename, on_output) -> JSON str``.

    Takes the book's state now (call it once the library is imported), then each call
    restores it, runs the demo with :func:`demos.runner.run_demo` and restores it again.
    The functions it needs are bound here, so a run that replaces ``json.dumps`` or the
    runner in ``__main__`` or ``demos.runner`` cannot stop the next run from working, and
    this module's own machinery is healed first (:func:`_own_healer`).
    """
    from demos.runner import run_demo

    install_book_finder()
    state = BookState()
    heal = _own_healer()
    dumps = json.dumps

    def entry(source, filename, on_output):
        # Restored before (callbacks left behind may have run since) and after the run (so
        # the worker itself, and the JSON below, never see the run's changes).
        try:
            heal()
            state.restore()
            outcome = run_demo(source, filename=filename, on_output=on_output)
        except KeyboardInterrupt:  # Stop arrived outside the reader's code (e.g. drawing)
            outcome = stopped_outcome()
        except BaseException as error:  # noqa: BLE001 - the run broke what the runner uses
            heal()
            state.restore()
            outcome = stopped_outcome(
                f"This run changed something the runner relies on, so its output could not be "
                f"collected ({type(error).__name__}: {error}). Python is back to the book's "
                "state for the next run."
            )
            outcome["stopped"] = False
        try:
            heal()
            state.restore()
        except KeyboardInterrupt:
            heal()
            state.restore()
        return dumps(outcome)

    return entry
