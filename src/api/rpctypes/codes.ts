// gRPC status codes (google.golang.org/grpc/codes) and the HTTP status the JSON gateway answers
// each with (gateway spec §3.2, grpc-gateway v1.16's HTTPStatusFromCode, our 3.5 target).

/** gRPC status codes by name. */
export const GrpcCode = {
  OK: 0,
  Canceled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Aborted: 10,
  OutOfRange: 11,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  DataLoss: 15,
  Unauthenticated: 16
} as const

export type GrpcCode = typeof GrpcCode[keyof typeof GrpcCode]

const httpStatusByCode: readonly number[] = [
  200, // OK
  408, // Canceled (499 only from grpc-gateway v2 / etcd 3.6)
  500, // Unknown
  400, // InvalidArgument
  504, // DeadlineExceeded
  404, // NotFound
  409, // AlreadyExists
  403, // PermissionDenied
  429, // ResourceExhausted
  400, // FailedPrecondition (the Debian 3.4 build answers 412; upstream answers 400)
  409, // Aborted
  400, // OutOfRange
  501, // Unimplemented
  500, // Internal
  503, // Unavailable
  500, // DataLoss
  401 // Unauthenticated
]

/** The HTTP status the gateway answers a gRPC code with; unknown codes are 500 as upstream. */
export function httpStatusFromCode (code: number): number {
  return httpStatusByCode[code] ?? 500
}

const httpStatusText: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  504: 'Gateway Timeout'
}

/** Go's http.StatusText for the statuses the gateway uses (stream error chunks carry it). */
export function statusText (status: number): string {
  return httpStatusText[status] ?? ''
}
