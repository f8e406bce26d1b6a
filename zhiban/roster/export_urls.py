"""Export pages under /roster/ (ROS-06): print, PDF, xlsx, import, calendar feeds and their tokens."""

from django.urls import path

from zhiban.roster import export_views

urlpatterns = [
    path("feeds/", export_views.feed_tokens, name="feed_tokens"),
    path("feeds/<str:public_id>/revoke/", export_views.feed_token_revoke, name="feed_token_revoke"),
    path("feeds/<str:token>.ics", export_views.feed, name="feed"),
    path("<str:public_id>/print/", export_views.print_page, name="export_print"),
    path("<str:public_id>/roster.pdf", export_views.print_pdf, name="export_pdf"),
    path("<str:public_id>/roster.xlsx", export_views.export_xlsx, name="export_xlsx"),
    path("<str:public_id>/import/", export_views.import_xlsx, name="import_xlsx"),
]
