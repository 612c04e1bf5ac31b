/** Turns a media key into the URL it is served at (on the origin the caller reached). */
export type MediaUrl = (key: string) => string;
