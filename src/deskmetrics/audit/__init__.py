"""``deskmetrics verify``: what the store holds, checked against itself and the helpdesk."""
