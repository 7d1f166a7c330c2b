package io.runwarden.http;

import io.javalin.config.RoutesConfig;

/** A group of routes of one part of the API. */
interface Routes {
    void register(RoutesConfig routes);
}
