"""Roster exports (ROS-06): the printable month sheet, PDF, xlsx export and import, iCalendar feeds."""
