# The forum arrives with the community issue.
