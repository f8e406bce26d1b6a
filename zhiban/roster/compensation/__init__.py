"""What a duty on a rest day or holiday earns: compensatory rest (补休, ROS-07) credited by duties and taken against
the credits, and the duty allowance report (值班津贴, ROS-08)."""
