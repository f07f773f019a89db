"""The messaging REST API (DRF): the old Cruddur client's contract."""
