"""Programme records: plans, projects, funds, assistance and their history."""
