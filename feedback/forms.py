from django import forms

from feedback.models import MAX_TEXT, Feedback

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


class ProblemForm(forms.Form):
    # Asked only when a partnership is chosen (the page then has its text as well as the
    # regional text); otherwise the problem is in the regional text.
    about = forms.ChoiceField(
        choices=Feedback.About.choices,
        required=False,
        error_messages={
            "required": "Select which part of the page is wrong",
            "invalid_choice": "Select which part of the page is wrong",
        },
    )
    what_is_wrong = forms.CharField(
        max_length=MAX_TEXT,
        error_messages={
            "required": "Enter what is wrong with this page",
            "max_length": f"What is wrong must be {MAX_TEXT:,} characters or fewer",
            "null_characters_not_allowed": "What is wrong must contain only letters, numbers "
            "and punctuation",
        },
    )
    email = forms.EmailField(
        required=False,
        max_length=254,
        error_messages={
            "invalid": EMAIL_FORMAT,
            "max_length": "Email address must be 254 characters or fewer",
            "null_characters_not_allowed": EMAIL_FORMAT,
        },
    )

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["about"].required = partnership is not None

    def clean_about(self):
        if self.partnership is None:
            return Feedback.About.REGIONAL
        return self.cleaned_data["about"]
