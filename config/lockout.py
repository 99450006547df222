"""What a locked-out login sees (django-axes' AXES_LOCKOUT_CALLABLE): the login page with a message in Chinese."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "登录失败次数过多,该账号(或本机所在网络)已被暂时锁定。请 %(minutes)d 分钟后再试,或请管理员在管理后台解锁。"
    ) % {"minutes": minutes}


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """The login form again (username kept), its error the lockout; 429 so that scripts see it was refused."""
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    return render(
        request,
        "registration/login.html",
        {"form": form, "lockout": lockout_message(), "next": request.POST.get("next", "")},
        status=429,
    )
