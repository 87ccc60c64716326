/**
 * What JACK accepts as names. A client name is at most 64 characters (`jack_client_name_size()` less
 * the terminating zero) and has no ":", which separates the client from the port in a full port name.
 */
export const jackClientNamePattern = /^[^:]{1,64}$/;

/** A full port name, `client:port` (`system:capture_1`); the port part may hold more colons. */
export const jackPortNamePattern = /^[^:]+:.+$/;
