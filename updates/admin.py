"""Subscribers and deliveries in the admin: for looking, not editing.

Addresses join only through double opt-in, so nobody adds or edits them here. A superuser
may delete a subscriber (for example when someone asks by phone to be removed).
"""

from django.contrib import admin

from procedures.admin.common import RecordsOnly
from updates.choices import describe
from updates.models import Delivery, Subscriber


class ReadOnlyAdmin(RecordsOnly, admin.ModelAdmin):
    deletable_by_superuser = True


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdmin):
    list_display = ["email", "confirmed", "whole_manual", "partnership", "created_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), "whole_manual", "partnership"]
    list_select_related = ["partnership"]
    search_fields = ["email_key"]
    fields = ["email", "follows", "created_at", "confirmed_at", "last_emailed_at"]
    readonly_fields = fields

    @admin.display(boolean=True, ordering="confirmed_at")
    def confirmed(self, obj):
        return obj.is_confirmed

    @admin.display(description="Follows")
    def follows(self, obj):
        return "; ".join(describe(obj)) or "Nothing"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["about", "subscriber", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "release"]
    list_select_related = ["release", "notice__partnership", "subscriber"]
    search_fields = ["subscriber__email_key"]
    fields = [
        "release",
        "notice",
        "subscriber",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.display(description="About")
    def about(self, obj):
        return obj.release or obj.notice
