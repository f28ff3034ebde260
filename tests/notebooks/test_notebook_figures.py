"""In a Jupyter kernel, pc.figures.show displays a Vega-Lite MIME bundle (JupyterLab renders
it natively), with the caption as its text form, and the generated notebooks keep the call."""
import json

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from notebooks import generate  # noqa: E402
from pycore.figures import MIME_TYPE  # noqa: E402


def test_show_displays_a_vega_lite_bundle_in_a_kernel(tmp_path):
    code = ("import pycore as pc\n"
            "pc.figures.show(pc.figures.bars(['a', 'b'], [1.0, 2.0], caption='Two bars.'))\n")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = notebook.cells[0].outputs
    bundles = [output for output in outputs if output.output_type == "display_data"]
    assert len(bundles) == 1, outputs
    data = bundles[0].data
    spec = data[MIME_TYPE]
    spec = json.loads(spec) if isinstance(spec, str) else spec
    assert spec["usermeta"]["itt"]["caption"] == "Two bars."
    assert [row["value"] for row in spec["layer"][0]["data"]["values"]] == [1.0, 2.0]
    assert data["text/plain"] == "bars: Two bars."
    # JupyterLab's renderer never settles on a container width: notebooks get fixed widths.
    assert "container" not in json.dumps(spec)


def test_notebook_bundles_use_a_fixed_width_where_the_page_follows_the_column():
    import pycore as pc

    figure = pc.figures.lines([0, 1, 2], {"a": [1.0, 2.0, 3.0]}, caption="One line.")
    assert "container" in figure.to_json(), "the page's spec no longer follows the column"
    bundle = json.dumps(figure._repr_mimebundle_()[MIME_TYPE])
    assert "container" not in bundle
    assert f'"width": {pc.figures.NOTEBOOK_WIDTH}' in bundle


def test_generated_notebooks_show_figures_through_pycore():
    """The notebooks are the demo files: a demo that draws calls pc.figures.show, never
    Matplotlib, so the notebook shows the same figure as the page."""
    pages = [page for page in generate.chapter_pages()
             if page.name.startswith(("01-", "04-"))]
    assert len(pages) == 2
    for page in pages:
        notebook = generate.theory_notebook(page)
        source = "\n".join("".join(cell["source"]) for cell in notebook["cells"]
                           if cell["cell_type"] == "code")
        assert "pc.figures.show(" in source, page
        assert "matplotlib" not in source, page
