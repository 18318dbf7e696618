from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "procedures.feedback"
    label = "feedback"
    verbose_name = "Feedback and reading figures"
    default_auto_field = "django.db.models.BigAutoField"
