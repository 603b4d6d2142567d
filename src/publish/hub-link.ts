// The WebSub discovery header of a subscription feed. Pure.

/**
 * WebSub §4: "Link: <hub>; rel=hub, <topic>; rel=self", one header; the self URL is exactly the topic a
 * subscriber must send back as hub.topic.
 */
export const linkHeader = (hub: string, topic: string): string => `<${hub}>; rel="hub", <${topic}>; rel="self"`;
