/** `omega13:in_1` -> `in_1`. */
export const shortPortName = (port: string): string => port.slice(port.lastIndexOf(':') + 1);
