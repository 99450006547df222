from django.urls import path

from .views import home, households, policy, waivers

urlpatterns = [
    path("", home.home, name="home"),
    path("households/", households.HouseholdListView.as_view(), name="household_list"),
    path("households/<int:pk>/", households.household_detail, name="household_detail"),
    path("households/<int:pk>/waivers/new/", waivers.waiver_create, name="waiver_create"),
    path("late-fees/", policy.policy_home, name="late_fee_policy"),
    path("late-fees/communities/<int:pk>/", policy.community_edit, name="late_fee_community_edit"),
    path("late-fees/overrides/", policy.OverrideListView.as_view(), name="late_fee_override_list"),
    path("late-fees/overrides/new/", policy.override_create, name="late_fee_override_create"),
    path("late-fees/overrides/<int:pk>/", policy.override_edit, name="late_fee_override_edit"),
    path("late-fees/overrides/<int:pk>/delete/", policy.override_delete, name="late_fee_override_delete"),
    path("late-fees/waivers/", waivers.WaiverListView.as_view(), name="waiver_list"),
    path("late-fees/waivers/<int:pk>/cancel/", waivers.waiver_cancel_view, name="waiver_cancel"),
]
