from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "participants"

urlpatterns = [
    path(_("register/<slug:slug>/"), views.RegisterView.as_view(), name="register"),
    path(
        _("register/<slug:slug>/check-your-email/"),
        views.CheckEmailView.as_view(),
        name="check_email",
    ),
    path(
        _("register/<slug:slug>/email-not-sent/"),
        views.EmailNotSentView.as_view(),
        name="email_not_sent",
    ),
    path(_("registration/confirm/<str:token>/"), views.ConfirmView.as_view(), name="confirm"),
    path(_("registration/manage/<str:token>/"), views.ManageView.as_view(), name="manage"),
    path(_("messages/stop/<str:token>/"), views.StopMessagesView.as_view(), name="stop_messages"),
    path(_("feedback/<str:token>/"), views.FeedbackView.as_view(), name="feedback"),
    path(_("privacy/"), views.PrivacyView.as_view(), name="privacy"),
]
