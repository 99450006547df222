from .roles import ROLE_LABELS, roles_of


def roles(request):
    """The user's roles, for the navigation."""
    names = roles_of(request.user) if hasattr(request, "user") else frozenset()
    return {"user_roles": names, "user_role_labels": [ROLE_LABELS[r] for r in ROLE_LABELS if r in names]}
