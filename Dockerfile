# Builds the runwarden jar and runs it on a JRE. Used by docker-compose.yml.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY topics topics
COPY src src
# the class data archive is made in the runtime stage below, by the JVM that will map it
RUN mvn -B -q -DskipTests -Dcds.skip=true package

FROM eclipse-temurin:17-jre
# an unprivileged system user with a fixed numeric id: a hole in the service or a dependency gets no root, and
# Kubernetes' runAsNonRoot can check a number (not a name)
RUN groupadd --system --gid 10001 runwarden \
 && useradd --system --uid 10001 --gid runwarden --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin runwarden \
 && mkdir -p /data && chown runwarden:runwarden /data
WORKDIR /app
COPY --from=build /src/target/runwarden.jar /app/runwarden.jar
# runwarden selftest starts and stops a throwaway service (about 15 s) to record the classes a start loads: the JVM
# maps them from /app/runwarden.jsa and starts about 1.5 s sooner. Made here, by the JRE that runs it.
RUN java -Xmx768m -Xlog:cds=off -XX:ArchiveClassesAtExit=/app/runwarden.jsa -jar /app/runwarden.jar selftest
ENV RUNWARDEN_DATA_DIR=/data
# the JVM options: the class data archive made above, then the README command's own: the heap (1M runs stay within
# about 1.2 GB resident) and the compiler's inlining (README, "Compilation"); set your own to change them
# (JAVA_TOOL_OPTIONS would do too, but the JVM then prints a line that is not JSON before any log)
ENV JAVA_OPTS="-XX:SharedArchiveFile=/app/runwarden.jsa -Xmx768m -XX:MaxInlineLevel=9 -XX:InlineSmallCode=1000"
# after the chown: a new volume starts with the image's /data, owned by runwarden
VOLUME /data
USER 10001:10001
# the API listens on 127.0.0.1 unless RUNWARDEN_HTTP_HOST says otherwise; to reach it from outside the container set
# RUNWARDEN_HTTP_HOST=0.0.0.0 and RUNWARDEN_API_TOKEN, as docker-compose.yml does (every read then needs a token too)
EXPOSE 8080
# a shell only to expand JAVA_OPTS: exec leaves java as PID 1, so it gets the stop signal itself
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/runwarden.jar \"$@\"", "runwarden"]
