"""The pre-executed notebooks store printed text as one output per stream and cell."""

from __future__ import annotations

import nbformat

from sphinxext.parallel_execute import _coalesce_streams


def stream(name: str, text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name=name, text=text)


def test_streams_are_merged_as_myst_nb_merges_them_on_the_page():
    # myst-nb's merge_streams (on in conf.py) gathers all text of a stream into its
    # first output; the stored notebook now shows what the page shows
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('a'); print('b')")
    figure = nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>"})
    cell.outputs = [stream("stdout", "a\n"), stream("stdout", "b\n"), figure,
                    stream("stdout", "c\n")]
    nb.cells = [nbformat.v4.new_markdown_cell("text"), cell]
    _coalesce_streams(nb)
    assert [o.output_type for o in cell.outputs] == ["stream", "display_data"]
    assert cell.outputs[0].text == "a\nb\nc\n"


def test_two_chunkings_of_the_same_output_store_the_same_notebook():
    def notebook(chunks: list[str]) -> nbformat.NotebookNode:
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("...", id="cell-1")
        cell.outputs = [stream("stdout", c) for c in chunks]
        nb.cells = [cell]
        _coalesce_streams(nb)
        return nb

    one = notebook(["ols_qr raises:\n", "X is rank deficient ...\n"])
    other = notebook(["ols_qr raises:\nX is rank deficient ...\n"])
    assert nbformat.writes(one) == nbformat.writes(other)
