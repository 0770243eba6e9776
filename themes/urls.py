from django.urls import path

from . import views

app_name = "themes"

urlpatterns = [
    path("<int:pk>/", views.FindingDetailView.as_view(), name="finding"),
]
