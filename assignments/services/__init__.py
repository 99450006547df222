"""Every write to assignments goes through these functions."""

from .split import split_for_day

__all__ = ["split_for_day"]

from .contacts import contact_record  # noqa: E402

__all__ += ["contact_record"]

from .contact_changes import contact_edit, contact_withdraw  # noqa: E402

__all__ += ["contact_edit", "contact_withdraw"]
