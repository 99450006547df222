from django.urls import path

from .views import days, desk, ledger, payments, queue, statements

app_name = "finance"

urlpatterns = [
    path("", queue.PendingQueueView.as_view(), name="queue"),
    path("payments/<int:pk>/verify/", queue.payment_verify_view, name="verify"),
    path("payments/<int:pk>/reject/", queue.payment_reject_view, name="reject"),
    path("payments/verify/", queue.payment_bulk_verify_view, name="bulk_verify"),
    path("payments/<int:pk>/", payments.payment_detail, name="payment"),
    path("desk/", desk.desk_payment, name="desk"),
    path("days/", days.DayCloseListView.as_view(), name="days"),
    path("days/<slug:code>/<str:day>/", days.day_detail, name="day"),
    path("days/<slug:code>/<str:day>/close/", days.day_close_view, name="day_close"),
    path("days/<slug:code>/<str:day>/reopen/", days.day_reopen_view, name="day_reopen"),
    path("days/<slug:code>/<str:day>/report.xlsx", days.day_export, name="day_export"),
    path("statements/", statements.StatementListView.as_view(), name="statements"),
    path("statements/<int:pk>/", statements.statement_detail, name="statement_detail"),
    path("statements/<int:pk>/lines/<int:line>/confirm/", statements.statement_line_confirm, name="statement_confirm"),
    path(
        "statements/<int:pk>/lines/<int:line>/register/",
        statements.statement_line_register_view,
        name="statement_register",
    ),
    path("ledger/", ledger.ledger_export, name="ledger_export"),
]
