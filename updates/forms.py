"""The sign-up form and the "change what you get" form. Both are plain GOV.UK radios and
checkboxes (templates/updates/_choice_fields.html), so they work without JavaScript; every
value is checked here, so a forged POST gets a message, never an error page."""

from django import forms

from partnerships.models import Partnership
from procedures.models import Chapter, Part
from updates.choices import chapters_by_part

WHOLE_MANUAL = "all"
CHOSEN = "chosen"


def _not_in_list(what):
    message = f"Choose {what} from the list: one you sent is not in it"
    return {"invalid_choice": message, "invalid_pk_value": message, "invalid_list": message}


class ChoiceForm(forms.Form):
    # Not sent: what was ticked says it (parts, chapters or a partnership), and nothing at
    # all means the whole manual, as the form meant before there was a choice.
    follow = forms.ChoiceField(
        choices=[(WHOLE_MANUAL, "The whole manual"), (CHOSEN, "Chosen parts or chapters")],
        required=False,
        error_messages={
            "invalid_choice": "Choose the whole manual or the parts and chapters you want",
        },
    )
    parts = forms.ModelMultipleChoiceField(
        queryset=Part.objects.all(), required=False, error_messages=_not_in_list("parts")
    )
    chapters = forms.ModelMultipleChoiceField(
        queryset=Chapter.objects.none(), required=False, error_messages=_not_in_list("chapters")
    )
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.all(),
        required=False,
        to_field_name="slug",
        error_messages=_not_in_list("a partnership"),
    )

    # Where each field's error links to from the error summary.
    anchors = {
        "email": "email",
        "follow": "follow",
        "parts": "choose",
        "chapters": "choose",
        "partnership": "partnership",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = chapters_by_part()
        chapter_ids = [version.chapter_id for _, versions in self.groups for version in versions]
        self.fields["chapters"].queryset = Chapter.objects.filter(pk__in=chapter_ids)
        self.partnerships = list(Partnership.objects.all())

    def clean(self):
        data = super().clean()
        chosen_nothing = not (data.get("parts") or data.get("chapters") or data.get("partnership"))
        if "follow" in data and not data["follow"]:
            data["follow"] = WHOLE_MANUAL if chosen_nothing else CHOSEN
        if data.get("follow") == CHOSEN and chosen_nothing and not self.errors:
            self.add_error(
                "chapters",
                "Choose at least one part or chapter, or a partnership's local information",
            )
        return data

    def choice(self) -> dict:
        """Keyword arguments for choices.save_choice."""
        data = self.cleaned_data
        return {
            "whole_manual": data["follow"] == WHOLE_MANUAL,
            "parts": list(data["parts"]),
            "chapters": list(data["chapters"]),
            "partnership": data["partnership"],
        }

    def selected(self) -> dict:
        """The values to show as checked: what was sent, or the initial choice."""
        if self.is_bound:
            return {
                "follow": self.data.get("follow", ""),
                "parts": set(self.data.getlist("parts")),
                "chapters": set(self.data.getlist("chapters")),
                "partnership": self.data.get("partnership", ""),
            }
        return {
            "follow": self.initial.get("follow", ""),
            "parts": {str(pk) for pk in self.initial.get("parts", ())},
            "chapters": {str(pk) for pk in self.initial.get("chapters", ())},
            "partnership": self.initial.get("partnership", ""),
        }

    def choose_errors(self):
        """The errors about parts and chapters, shown together above their checkboxes."""
        return [*self.errors.get("parts", []), *self.errors.get("chapters", [])]

    def error_list(self):
        """(anchor, message) for the error summary, in the page's order."""
        return [
            (self.anchors.get(name, name), message)
            for name in self.anchors
            for message in self.errors.get(name, [])
        ]

    @staticmethod
    def initial_for(subscriber) -> dict:
        return {
            "follow": WHOLE_MANUAL if subscriber.whole_manual else CHOSEN,
            "parts": [part.pk for part in subscriber.parts.all()],
            "chapters": [chapter.pk for chapter in subscriber.chapters.all()],
            "partnership": subscriber.partnership.slug if subscriber.partnership else "",
        }


class SubscribeForm(ChoiceForm):
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )

    field_order = ["email", "follow", "parts", "chapters", "partnership"]
