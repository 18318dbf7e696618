from django import forms

from feedback.models import MAX_TEXT

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


class ProblemForm(forms.Form):
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
