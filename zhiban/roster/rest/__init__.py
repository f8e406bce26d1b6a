"""Compensatory rest (补休, ROS-07) credited by duties, and the duty allowance report (值班津贴, ROS-08)."""
