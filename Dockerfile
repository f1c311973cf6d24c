# syntax=docker/dockerfile:1
# Signet: one image, one fat jar; the first argument picks the service:
#   docker run signet ingress | processor | billing | receipt-store | keygen | verify ...
# (`up`, the all-in-one local mode with an embedded broker and PostgreSQL, is not for containers.)

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The cache mount keeps the Maven repository (and the wrapper's Maven) between builds.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -DskipTests package \
 && cp launcher/target/signet.jar /signet.jar

FROM eclipse-temurin:17-jre
# Non-root, fixed uid/gid so Kubernetes (runAsUser/fsGroup) and volumes agree on ownership.
RUN groupadd --system --gid 10001 signet \
 && useradd --system --uid 10001 --gid signet --home-dir /var/lib/signet --shell /usr/sbin/nologin signet \
 && mkdir -p /app /var/lib/signet/state \
 && chown -R signet:signet /var/lib/signet
COPY --from=build --chown=root:root /signet.jar /app/signet.jar
ENV PORT=8088 \
    SP_STATE_DIR=/var/lib/signet/state \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError"
# Kafka Streams state (processor, billing) lives in $SP_STATE_DIR: mount a persistent volume there.
WORKDIR /var/lib/signet
USER 10001:10001
EXPOSE 8088
ENTRYPOINT ["java", "-jar", "/app/signet.jar"]
CMD ["ingress"]
