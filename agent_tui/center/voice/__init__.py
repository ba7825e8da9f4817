"""Voice for the reference center: the pjsua2 voice engine (its own process), the
bridge that connects it to the center's router, Kamailio's configuration, and the
simulated customer call (`agent-tui center call`)."""
