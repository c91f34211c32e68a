# Builds the single debate binary (web client, scenario and history data embedded) into
# a small image. The embedded default keeps rooms in /data (a volume).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/debate ./cmd/debate

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/debate /debate
VOLUME ["/data"]
ENV DEBATE_ADDR=":8080" DEBATE_DATA_DIR="/data" DEBATE_LOG_FORMAT="json"
EXPOSE 8080
USER nonroot
ENTRYPOINT ["/debate", "serve"]
