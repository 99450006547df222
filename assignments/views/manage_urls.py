"""Routes of the manager's, supervisor's and customer service's pages (included at the site root)."""

from django.urls import path

from . import manage_campaign_detail as detail
from . import manage_campaigns as campaigns
from . import manage_issues as issues
from . import manage_staff
from . import manage_team as team

urlpatterns = [
    path("campaigns/", campaigns.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_create_view, name="campaign_create"),
    path("campaigns/<int:pk>/", detail.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit_view, name="campaign_edit"),
    path("campaigns/<int:pk>/split/", detail.campaign_split, name="campaign_split"),
    path("campaigns/<int:pk>/members/<int:staff_id>/", detail.campaign_member_set, name="campaign_member_set"),
    path("campaigns/<int:pk>/leaves/", detail.campaign_leave_add, name="campaign_leave_add"),
    path(
        "campaigns/<int:pk>/leaves/<int:leave_id>/delete/", detail.campaign_leave_remove, name="campaign_leave_remove"
    ),
    path("campaigns/<int:pk>/pins/", detail.campaign_pin_set, name="campaign_pin_set"),
    path("campaigns/<int:pk>/pins/<int:pin_id>/delete/", detail.campaign_pin_remove, name="campaign_pin_remove"),
    path("team/", team.TeamView.as_view(), name="team_today"),
    path("staff/<int:pk>/password/", manage_staff.staff_password, name="staff_password"),
    path("issues/", issues.IssueListView.as_view(), name="issue_list"),
    path("issues/<int:pk>/", issues.issue_detail, name="issue_detail"),
    path("issues/<int:pk>/close/", issues.issue_close_view, name="issue_close"),
]
