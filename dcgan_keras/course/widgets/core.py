"""A slider explorer that degrades to a still figure where widgets cannot run.

It uses only the controls of the ipywidgets package itself, and works with ipywidgets 7.7 (which
Colab has long shipped) as well as 8.

What a saved notebook shows: :func:`explore` displays the figure of the starting values as an
ordinary PNG output, then the controls. The controls' output carries, besides the widget view, a
plain-text line that names the starting values (:func:`controls_caption`), not the ``VBox(children=...)``
repr that ipywidgets puts there. A hosted viewer (GitHub, nbviewer), which cannot run widgets, shows
the PNG and that line; a running notebook shows the sliders and redraws the PNG in place.
"""

import io
import sys

import matplotlib.pyplot as plt

__all__ = ["explore", "controls_caption", "figure_to_png", "widgets_major_version", "WIDGET_VIEW_MIME"]

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"

_colab_manager_enabled = False


def widgets_major_version():
    """The installed ipywidgets' major version (7 or 8), or None when ipywidgets is missing."""
    try:
        import ipywidgets
    except ImportError:
        return None
    return int(ipywidgets.__version__.split(".")[0])


def _prepare_colab():
    """In Colab with ipywidgets 8, turn on Colab's widget manager for that version (once).

    Colab's own front end renders the ipywidgets 7 controls; ipywidgets 8 controls need the
    manager that ``google.colab.output.enable_custom_widget_manager`` loads. Elsewhere, and with
    ipywidgets 7, nothing is done.
    """
    global _colab_manager_enabled
    if _colab_manager_enabled or "google.colab" not in sys.modules or (widgets_major_version() or 0) < 8:
        return
    try:
        from google.colab import output

        output.enable_custom_widget_manager()
    except (ImportError, AttributeError):
        return  # an older or newer Colab without it: the still figure stays
    _colab_manager_enabled = True


def figure_to_png(fig):
    """Render a matplotlib figure to PNG bytes and close it (so it is not shown twice)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _shown_value(control):
    """A control's value as its reader sees it: a dropdown's label, a number as typed."""
    label = getattr(control, "label", None)
    value = label if isinstance(label, str) else control.value
    return f"{value:g}" if isinstance(value, float) else str(value)


def controls_caption(controls):
    """One line naming each control's starting value, for viewers that cannot run widgets.

    Args:
        controls: ``{name: ipywidgets control}``; a control's ``description`` is used where it has one.

    Example:
        >>> import ipywidgets as w  # doctest: +SKIP
        >>> controls_caption({"k": w.IntSlider(3, description="kernel")})  # doctest: +SKIP
        'Controls at kernel = 3: the figure above shows these values; run the notebook to move them.'
    """
    settings = ", ".join(f"{getattr(control, 'description', '') or name} = {_shown_value(control)}"
                         for name, control in controls.items())
    return f"Controls at {settings}: the figure above shows these values; run the notebook to move them."


def _controls_box(children, caption):
    """An ipywidgets ``VBox`` of ``children`` whose saved text is ``caption`` instead of its repr.

    ipywidgets 8 displays a widget through ``_repr_mimebundle_``, ipywidgets 7 through
    ``_ipython_display_``; both are replaced so that the display message holds the widget view and
    ``caption`` as its ``text/plain`` fallback.
    """
    import ipywidgets

    class ExplorerControls(ipywidgets.VBox):
        def _repr_mimebundle_(self, **kwargs):
            return {"text/plain": caption,
                    WIDGET_VIEW_MIME: {"version_major": 2, "version_minor": 0, "model_id": self.model_id}}

        def _ipython_display_(self, **kwargs):
            from IPython.display import display

            display(self._repr_mimebundle_(), raw=True)
            if hasattr(self, "_handle_displayed"):  # ipywidgets 7 runs its on_displayed callbacks here
                self._handle_displayed(**kwargs)

    return ExplorerControls(children)


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
        or None when ipywidgets is missing. Its saved text is :func:`controls_caption`,
        so a hosted viewer shows the still figure and one line naming the starting
        values; the notebooks 01-07 all use this one mechanism.

    Works with ipywidgets 7.7 and 8: only ``value`` observers and a ``VBox`` are used.

    Example:
        >>> import ipywidgets as w
        >>> explore(lambda k: plot_something(k), k=w.IntSlider(3, 1, 7))  # doctest: +SKIP
    """
    from IPython.display import Image, display

    values = {name: control.value for name, control in controls.items()}
    handle = display(Image(figure_to_png(render(**values))), display_id=True)
    try:
        import ipywidgets  # noqa: F401  (only to learn whether it is installed)
    except ImportError:
        return None
    _prepare_colab()

    def redraw(_change=None):
        current = {name: control.value for name, control in controls.items()}
        image = Image(figure_to_png(render(**current)))
        if handle is None:  # outside a notebook front end display() gives no handle to update
            display(image)
        else:
            handle.update(image)

    for control in controls.values():
        control.observe(redraw, names="value")
    return _controls_box(list(controls.values()), controls_caption(controls))
