from django.urls import path

from . import views

app_name = "deadlines"
urlpatterns = [
    path("deadlines/mine/", views.mine, name="mine"),
    path("deadlines/", views.firm, name="firm"),
]
