from django.urls import path

from .late_fees import views as late_fees
from .views import home, households, legal

urlpatterns = [
    path("", home.home, name="home"),
    path("households/", households.HouseholdListView.as_view(), name="household_list"),
    path("households/<int:pk>/", households.household_detail, name="household_detail"),
    path("households/<int:pk>/waivers/new/", late_fees.waiver_create, name="waiver_create"),
    path("late-fees/", late_fees.policy_home, name="late_fee_policy"),
    path("late-fees/communities/<int:pk>/", late_fees.community_edit, name="late_fee_community_edit"),
    path("late-fees/overrides/", late_fees.OverrideListView.as_view(), name="late_fee_override_list"),
    path("late-fees/overrides/new/", late_fees.override_create, name="late_fee_override_create"),
    path("late-fees/overrides/<int:pk>/", late_fees.override_edit, name="late_fee_override_edit"),
    path("late-fees/overrides/<int:pk>/delete/", late_fees.override_delete, name="late_fee_override_delete"),
    path("late-fees/waivers/", late_fees.WaiverListView.as_view(), name="waiver_list"),
    path("late-fees/waivers/<int:pk>/cancel/", late_fees.waiver_cancel_view, name="waiver_cancel"),
    path("households/<int:pk>/legal-track/", legal.household_legal_track, name="household_legal_track"),
]
