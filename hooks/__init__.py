"""The site's MkDocs hooks (mkdocs.yml, ``hooks:``), one file per job.

MkDocs loads each file by its path; being a package also lets the tests import them
normally (``from hooks import python_zip``). A hook is a thin adapter: what it shares with
the notebooks and the tests lives in importable modules (demos/pages.py, demos/build_runs.py,
demos/shipped.py). No hook may be named like a top-level package (``demos``, ``pycore``):
MkDocs puts this folder first on ``sys.path`` while it loads a hook, which would shadow it.
"""
