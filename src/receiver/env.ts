/** What every route finds on the Hono context (its dependencies come as the route factory's argument). */
export interface ReceiverEnv {
  Variables: {
    requestId: string;
  };
}
