"""Forms of the server-rendered pages that post plain HTML forms (the People page, sign-up)."""

from django import forms
from django.conf import settings

from .models import Role
from .services.people import MAX_EXPIRY_DAYS, MAX_USES


class InvitationForm(forms.Form):
    email = forms.EmailField(
        required=False, max_length=254, help_text="Leave empty to make a link you hand out yourself."
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ANNOTATOR)
    expires_in_days = forms.IntegerField(min_value=1, max_value=MAX_EXPIRY_DAYS, label="Expires after (days)")
    max_uses = forms.IntegerField(min_value=1, max_value=MAX_USES, initial=1, label="Uses")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_in_days"].initial = settings.INVITATION_TTL_DAYS


class UserCreateForm(forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField(required=False, max_length=254)
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ANNOTATOR)


class SignupForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"}))
    email = forms.EmailField(required=False, max_length=254)
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text="At least 8 characters, not all digits, not a common password.",
    )
    password_again = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False, label="Password (again)"
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", "The two passwords differ.")
        return data
