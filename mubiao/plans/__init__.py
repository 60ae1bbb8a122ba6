"""Plans, their indicators, milestones and targets: the decomposition tables themselves."""
