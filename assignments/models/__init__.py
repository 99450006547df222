from .campaigns import Assignment, Campaign, CampaignMember, Pin, SplitRun
from .contacts import (
    STAFF_CHANNELS,
    STAFF_OUTCOMES,
    Contact,
    ContactChannel,
    ContactRevision,
    IssueRaised,
    IssueStatus,
    Outcome,
    RevisionKind,
)
from .staff import Department, Seniority, Staff, StaffLeave

__all__ = [
    "Assignment",
    "Campaign",
    "CampaignMember",
    "Contact",
    "ContactChannel",
    "ContactRevision",
    "Department",
    "IssueRaised",
    "IssueStatus",
    "Outcome",
    "Pin",
    "RevisionKind",
    "Seniority",
    "SplitRun",
    "Staff",
    "StaffLeave",
]

__all__ = [
    "STAFF_CHANNELS",
    "STAFF_OUTCOMES",
    "Assignment",
    "Campaign",
    "CampaignMember",
    "Contact",
    "ContactChannel",
    "Department",
    "IssueRaised",
    "IssueStatus",
    "Outcome",
    "Pin",
    "Seniority",
    "SplitRun",
    "Staff",
    "StaffLeave",
]
