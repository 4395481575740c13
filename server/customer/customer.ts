/** A status link: only the sha256 of its token is stored. */
export interface TicketAccess {
  tokenHash: string;
  instanceId: string;
  createdAt: string;
  expiresAt: string;
}

export interface CustomerFeedback {
  instanceId: string;
  rating: number;
  comment: string;
  createdAt: string;
}

/** A file a customer sent with a task that waited on them. */
export interface CustomerUpload {
  id: string;
  instanceId: string;
  taskId: string;
  field: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  data: Buffer;
  createdAt: string;
}

/** What a task's output holds for an uploaded file (the bytes stay in the upload table). */
export interface UploadReference {
  uploadId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
}
