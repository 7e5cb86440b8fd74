"""A slider explorer that degrades to a still figure where widgets cannot run."""

import io

import matplotlib.pyplot as plt

__all__ = ["explore", "figure_to_png"]


def figure_to_png(fig):
    """Render a matplotlib figure to PNG bytes and close it (so it is not shown twice)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def explore(render, **controls):
    """Show ``render(**values)`` and redraw it as the controls move.

    The figure for the controls' starting values is displayed first as an ordinary
    PNG, so a static notebook (GitHub, nbval, a PDF) still shows something useful.
    Where ipywidgets can run, the sliders below it redraw that same figure in place.

    Args:
        render: a function taking the controls' values as keyword arguments and
            returning a matplotlib ``Figure``.
        **controls: ipywidgets controls (``IntSlider``, ``Dropdown``, ...), one per
            keyword argument of ``render``.

    Returns:
        The ipywidgets ``VBox`` of controls (the last line of a cell displays it),
        or None when ipywidgets is missing.

    Example:
        >>> import ipywidgets as w
        >>> explore(lambda k: plot_something(k), k=w.IntSlider(3, 1, 7))  # doctest: +SKIP
    """
    from IPython.display import Image, display

    values = {name: control.value for name, control in controls.items()}
    handle = display(Image(figure_to_png(render(**values))), display_id=True)
    try:
        import ipywidgets
    except ImportError:
        return None

    def redraw(_change=None):
        current = {name: control.value for name, control in controls.items()}
        handle.update(Image(figure_to_png(render(**current))))

    for control in controls.values():
        control.observe(redraw, names="value")
    return ipywidgets.VBox(list(controls.values()))
