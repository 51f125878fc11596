"""AUTH_PASSWORD_VALIDATORS: common, all-digit and username-like passwords are refused, through
Django's validate_password and the admin's add-user form."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "8405937261034", "12345678901"])
def test_common_and_numeric_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.django_db
def test_a_password_like_the_username_is_refused():
    user = get_user_model()(username="margarethe.vonbergen", email="m@example.org")
    with pytest.raises(ValidationError) as refused:
        validate_password("margarethe.vonbergen1", user=user)
    assert "too similar" in str(refused.value)
    validate_password("plover lantern 94 orbit", user=user)  # a good one passes


@pytest.mark.django_db
def test_the_add_user_form_refuses_a_numeric_password():
    form = AdminUserCreationForm(
        data={
            "username": "newperson",
            "password1": "8405937261034",
            "password2": "8405937261034",
            "usable_password": "true",
        }
    )
    assert not form.is_valid()
    assert "entirely numeric" in str(form.errors)
