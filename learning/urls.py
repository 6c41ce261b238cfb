from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("courses/<int:course_id>/start/", views.course_start, name="course_start"),
    path("lessons/<int:lesson_id>/done/", views.lesson_complete, name="lesson_complete"),
    path("events/<int:event_id>/register/", views.event_register, name="event_register"),
    path("events/<int:event_id>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:event_id>/event.ics", views.event_ics, name="event_ics"),
    path("registrations/", views.registrations, name="registrations"),
]
