import { toNextJsHandler } from "better-auth/next-js";
import { auth } from "@/lib/auth";
import { throughTheProxy } from "@/lib/auth/client-address";
import { clientIpHeader } from "@/lib/config";

const handlers = toNextJsHandler(auth);

export const GET = throughTheProxy(handlers.GET, clientIpHeader);
export const POST = throughTheProxy(handlers.POST, clientIpHeader);
