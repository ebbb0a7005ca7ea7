from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/read/", views.mark_read, name="mark_read"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/calendar/reset/", views.reset_feed, name="reset_feed"),
    path("notifications/calendar/<str:token>.ics", views.ics, name="ics"),
]
