/** How requests name the stream: by name or by ARN, as the user gave it. */
export type StreamAddress = { readonly StreamName: string } | { readonly StreamARN: string };
