from django.urls import path

from zhiban.duty import views

app_name = "duty"

urlpatterns = [
    path("", views.home, name="home"),
    path("shifts/<str:public_id>/", views.shift, name="shift"),
    path("shifts/<str:public_id>/check-in/", views.check_in, name="check_in"),
    path("shifts/<str:public_id>/log/", views.log_write, name="log_write"),
    path("shifts/<str:public_id>/incidents/", views.incident_raise, name="incident_raise"),
    path("shifts/<str:public_id>/checklist/", views.checklist_fill, name="checklist"),
    path("shifts/<str:public_id>/handover/", views.handover_write, name="handover_write"),
    path("shifts/<str:public_id>/handover/accept/", views.handover_accept, name="handover_accept"),
    path("shifts/<str:public_id>/close/", views.shift_close, name="close"),
    path("shifts/<str:public_id>/report/", views.report_submit, name="report_submit"),
    path("shifts/<str:public_id>/spot-checks/", views.spot_check_issue, name="spot_check_issue"),
    path("shifts/<str:public_id>/spot-checks/later/", views.spot_check_schedule, name="spot_check_schedule"),
    path("shifts/<str:public_id>/absences/", views.absence_report, name="absence_report"),
    path("shifts/<str:public_id>/key/", views.key_issue, name="key_issue"),
    path("spot-checks/<str:public_id>/answer/", views.spot_check_answer, name="spot_check_answer"),
    path("keys/<str:public_id>/return/", views.key_return, name="key_return"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("log/", views.log, name="log"),
    path("log.xlsx", views.log_xlsx, name="log_xlsx"),
    path("log/<str:public_id>/", views.log_entry, name="log_entry"),
    path("incidents/", views.incident_register, name="incidents"),
    path("incidents.xlsx", views.incident_xlsx, name="incidents_xlsx"),
    path("incidents/<str:public_id>/", views.incident, name="incident"),
    path("reports/<str:public_id>/", views.report, name="report"),
    path("daily/<str:public_id>/", views.daily_report, name="daily_report"),
    path("people/<str:public_id>/", views.person_record, name="person_record"),
    path("units/<str:public_id>/escalation/", views.chain, name="chain"),
]
