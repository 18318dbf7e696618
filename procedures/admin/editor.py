"""The draft's text box and its live preview, side by side (markdownx posts the text for the
preview; procedures/static/procedures/desk.js and desk-keeper.js add the rest).

Not markdownx's admin widget: its stylesheet restyles the preview (the preview here wears the
public page's styles) and its drop and paste handlers send images to an upload address this
portal does not have. desk.js refuses dropped or pasted files with a message instead.
"""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from markdownx.widgets import MarkdownxWidget

from procedures.admin.preview import problem_list, text_problems


class DeskEditor(MarkdownxWidget):
    template_name = "admin/procedures/draft/editor_widget.html"

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 30, "cols": 80, **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, {**(attrs or {}), **self.attrs})
        # The text box keeps its own height and scrolls (markdownx would grow it to the whole
        # chapter), and no upload address is given.
        attrs = context["widget"]["attrs"]
        described = [attrs.get("aria-describedby", ""), f"{attrs.get('id', 'id_body')}-keys"]
        attrs.update(
            {
                "data-markdownx-editor-resizable": "False",
                "data-markdownx-upload-urls-path": "",
                "spellcheck": "true",
                # The help text (Django's), then how the keys work here.
                "aria-describedby": " ".join(part for part in described if part),
            }
        )
        # The problems of the text as it stands, listed above it; the desk's script keeps
        # the list up to date as the editor types.
        problems = text_problems(value or "")
        context["problems"] = mark_safe(problem_list(problems)) if problems else ""
        context["problem_count"] = len(problems)
        # The project's templates (not the form renderer's), where this template lives.
        return mark_safe(render_to_string(self.template_name, context))

    class Media:
        css = {"all": ["build/admin-preview.css", "procedures/desk.css"]}
        js = ["markdownx/js/markdownx.min.js", "procedures/desk.js", "procedures/desk-keeper.js"]
