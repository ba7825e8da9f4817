"""Support staff's tools: the health check (`agent-tui doctor`) and the support bundle."""
