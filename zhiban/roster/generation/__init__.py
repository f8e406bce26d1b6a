"""Draft generation (ROS-04): the database turned into a solver problem, solved in the background, written back."""
