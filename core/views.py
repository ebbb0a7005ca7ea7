from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import home as home_panels


@login_required
def home(request):
    """A home per role: the panels the user's roles registered (core.home)."""
    return render(request, "core/home.html", {"panels": home_panels.render_panels(request)})
